// Draw one diagram in headless Chromium with Mermaid and save a PNG of it.
//   node render.mjs DIAGRAM.mmd OUT.png   → stdout JSON {width, height, entities, texts}
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [source, out] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const profile = mkdtempSync(join(tmpdir(), 'mdschema-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
  await page.addScriptTag({ path: join(here, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js') });
  const text = readFileSync(source, 'utf8');
  const info = await page.evaluate(async (diagram) => {
    window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    const { svg } = await window.mermaid.render('er', diagram);
    document.getElementById('out').innerHTML = svg;
    const el = document.querySelector('#out svg');
    const box = el.getBoundingClientRect();
    return {
      width: box.width,
      height: box.height,
      entities: el.querySelectorAll('g.node, g[id^="entity-"]').length,
      texts: Array.from(el.querySelectorAll('text, span, p')).map((t) => t.textContent.trim()).filter(Boolean),
    };
  }, text);
  await page.locator('#out svg').screenshot({ path: out });
  process.stdout.write(JSON.stringify(info));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
