import PDFDocument from 'pdfkit';

/** An A4 PDF titled `title`, drawn by `draw` below its heading, as bytes. */
export function pdfBuffer(title: string, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: title } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(16).text(title);
  doc.fontSize(10).moveDown();
  draw(doc);
  doc.end();
  return done;
}

/** `metric: value` lines; a missing value is `-`. */
export function pdfTable(doc: PDFKit.PDFDocument, rows: Array<[string, string | number | null]>): void {
  for (const [metric, value] of rows) doc.text(`${metric}: ${value ?? '-'}`);
}

/** A section heading in the body size's bigger sibling. */
export function pdfHeading(doc: PDFKit.PDFDocument, heading: string): void {
  doc.moveDown().fontSize(12).text(heading).fontSize(10);
}
