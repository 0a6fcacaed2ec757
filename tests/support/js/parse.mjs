// Mermaid's own parser on every diagram: stdin a JSON array of diagram texts, stdout a JSON array of
// results, each null (parsed, as an erDiagram) or the parser's error message.
import mermaid from 'mermaid';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const diagrams = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const results = [];
for (const text of diagrams) {
  try {
    const parsed = await mermaid.parse(text);
    results.push(parsed && parsed.diagramType === 'er' ? null : `not an erDiagram: ${JSON.stringify(parsed)}`);
  } catch (err) {
    results.push(String(err && err.message ? err.message : err));
  }
}
process.stdout.write(JSON.stringify(results));
