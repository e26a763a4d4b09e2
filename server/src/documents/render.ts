import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { documentFont } from './font.ts';

/** What a page shows, already worded in Chinese; the renderer only lays it out. */
export interface DocumentLayout {
  title: string;
  /** 出具单位 line under the title. */
  issuer: string;
  holderName: string;
  /** Label of the number, e.g. 公民身份号码 or 证件号码. */
  idLabel: string;
  /** In full: the document is the holder's own. */
  idNumber: string;
  /** Further lines of the holder block (period, totals in words). */
  infoLines: string[];
  table: {
    columns: TableColumn[];
    rows: TableRow[];
  };
  /** After the table. */
  notes: string[];
  /** Grouped, e.g. ABCD-EFGH-JKMN-PQRS. */
  verificationCode: string;
  verifyUrl: string;
  qrText: string;
  /** e.g. 2026-11-25 10:43:32 */
  issuedAtText: string;
  kioskId: string;
  /** PDF metadata creation date. */
  issuedAt: Date;
}

export interface TableColumn {
  header: string;
  /** Share of the table's width. */
  width: number;
  align: 'left' | 'center' | 'right';
}

export interface TableRow {
  cells: string[];
  /** Totals are shaded. */
  total?: boolean;
}

export interface RenderedDocument {
  pdf: Buffer;
  pages: number;
}

// A4 in points (1/72 inch).
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { left: 50, right: 50, top: 48, bottom: 64 };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
/**
 * QR modules of at least 0.5 mm (1.42 pt), so that a phone reads the code off paper; the code is 52-70 mm wide
 * with its quiet zone (version 18 to 27 for the facts of the three kinds).
 */
const QR_MODULE_PT = (0.5 / 25.4) * 72;
const QR_MIN_SIZE = 148;
const QR_MAX_SIZE = 200;
const ROW_HEIGHT = 18;
const HEADER_HEIGHT = 22;
const TABLE_FONT = 9.5;
const BOTTOM_LIMIT = PAGE.height - MARGIN.bottom;

/**
 * Lays out one document on A4: title, issuer, holder block with the QR code, the table (page breaks repeat its
 * header), notes, and on every page a footer with the verification code, issue time, kiosk and page x/y.
 * The QR modules are vector rectangles; text uses the embedded, subset CJK font.
 */
export function renderDocumentPdf(layout: DocumentLayout): Promise<RenderedDocument> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: true,
    info: {
      Title: layout.title,
      Author: layout.issuer,
      Subject: `验证码 ${layout.verificationCode}`,
      Producer: 'sikiosk',
      Creator: 'sikiosk',
      CreationDate: layout.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // pdfkit takes a parsed fontkit font as well as bytes; its types know only the latter.
  doc.registerFont('body', documentFont() as unknown as Buffer);
  doc.font('body');

  let y = firstPageHeader(doc, layout);
  y = table(doc, layout, y);
  notes(doc, layout, y);
  const pages = doc.bufferedPageRange().count;
  for (let i = 0; i < pages; i++) {
    doc.switchToPage(i);
    footer(doc, layout, i + 1, pages);
  }
  doc.end();
  return finished.then((pdf) => ({ pdf, pages }));
}

type Doc = PDFKit.PDFDocument;

function firstPageHeader(doc: Doc, layout: DocumentLayout): number {
  doc.fillColor('black');
  doc.fontSize(20).text(layout.title, MARGIN.left, MARGIN.top, { width: CONTENT_WIDTH, align: 'center' });
  doc
    .fontSize(10)
    .fillColor('#333333')
    .text(layout.issuer, MARGIN.left, MARGIN.top + 32, { width: CONTENT_WIDTH, align: 'center' });
  const ruleY = MARGIN.top + 52;
  doc
    .moveTo(MARGIN.left, ruleY)
    .lineTo(PAGE.width - MARGIN.right, ruleY)
    .lineWidth(0.8)
    .strokeColor('#444444')
    .stroke();

  const blockTop = ruleY + 14;
  const { modules } = QRCode.create(layout.qrText, { errorCorrectionLevel: 'M' });
  const qrSize = Math.min(QR_MAX_SIZE, Math.max(QR_MIN_SIZE, (modules.size + 8) * QR_MODULE_PT));
  const qrX = PAGE.width - MARGIN.right - qrSize;
  drawQr(doc, modules, qrX, blockTop, qrSize);
  doc
    .fontSize(8)
    .fillColor('#333333')
    .text('扫码核验真伪', qrX, blockTop + qrSize + 3, { width: qrSize, align: 'center', lineBreak: false });

  const textWidth = CONTENT_WIDTH - qrSize - 16;
  let y = blockTop;
  const line = (label: string, value: string, size = 11) => {
    doc.fontSize(size).fillColor('#555555').text(label, MARGIN.left, y, { lineBreak: false });
    const labelWidth = doc.widthOfString(label);
    doc
      .fillColor('black')
      .text(value, MARGIN.left + labelWidth, y, { width: textWidth - labelWidth, lineBreak: false });
    y += size * 1.9;
  };
  line('姓　　名：', layout.holderName, 12);
  line(`${layout.idLabel}：`, layout.idNumber, 12);
  for (const info of layout.infoLines) {
    doc.fontSize(10.5).fillColor('black').text(info, MARGIN.left, y, { width: textWidth });
    y = doc.y + 6;
  }
  line('验 证 码：', layout.verificationCode, 10.5);
  return Math.max(y, blockTop + qrSize + 16) + 6;
}

function continuationHeader(doc: Doc, layout: DocumentLayout): number {
  doc
    .fontSize(12)
    .fillColor('black')
    .text(`${layout.title}（续）`, MARGIN.left, MARGIN.top, { width: CONTENT_WIDTH, align: 'left' });
  doc
    .fontSize(9)
    .fillColor('#333333')
    .text(
      `姓名：${layout.holderName}　　${layout.idLabel}：${layout.idNumber}`,
      MARGIN.left,
      MARGIN.top + 20,
      {
        width: CONTENT_WIDTH,
        lineBreak: false,
      },
    );
  return MARGIN.top + 40;
}

function columnXs(columns: TableColumn[]): number[] {
  const total = columns.reduce((sum, c) => sum + c.width, 0);
  const xs: number[] = [];
  let x = MARGIN.left;
  for (const c of columns) {
    xs.push(x);
    x += (c.width / total) * CONTENT_WIDTH;
  }
  xs.push(MARGIN.left + CONTENT_WIDTH);
  return xs;
}

function tableHeader(doc: Doc, columns: TableColumn[], xs: number[], y: number): number {
  doc.rect(MARGIN.left, y, CONTENT_WIDTH, HEADER_HEIGHT).fillColor('#e6e6e6').fill();
  doc.fontSize(TABLE_FONT).fillColor('black');
  columns.forEach((column, i) => {
    cell(doc, column.header, xs, i, y, HEADER_HEIGHT, column.align === 'right' ? 'right' : 'center');
  });
  doc
    .moveTo(MARGIN.left, y + HEADER_HEIGHT)
    .lineTo(MARGIN.left + CONTENT_WIDTH, y + HEADER_HEIGHT)
    .lineWidth(0.6)
    .strokeColor('#666666')
    .stroke();
  return y + HEADER_HEIGHT;
}

function cell(
  doc: Doc,
  text: string,
  xs: number[],
  i: number,
  y: number,
  height: number,
  align: TableColumn['align'],
): void {
  const left = (xs[i] ?? 0) + 5;
  const width = (xs[i + 1] ?? 0) - (xs[i] ?? 0) - 10;
  doc.text(text, left, y + (height - TABLE_FONT) / 2 - 1.5, { width, align, lineBreak: false });
}

function table(doc: Doc, layout: DocumentLayout, top: number): number {
  const { columns, rows } = layout.table;
  const xs = columnXs(columns);
  let y = tableHeader(doc, columns, xs, top);
  for (const row of rows) {
    if (y + ROW_HEIGHT > BOTTOM_LIMIT) {
      doc.addPage();
      y = tableHeader(doc, columns, xs, continuationHeader(doc, layout));
    }
    if (row.total) doc.rect(MARGIN.left, y, CONTENT_WIDTH, ROW_HEIGHT).fillColor('#f2f2f2').fill();
    doc.fontSize(TABLE_FONT).fillColor('black');
    row.cells.forEach((text, i) => {
      cell(doc, text, xs, i, y, ROW_HEIGHT, columns[i]?.align ?? 'left');
    });
    doc
      .moveTo(MARGIN.left, y + ROW_HEIGHT)
      .lineTo(MARGIN.left + CONTENT_WIDTH, y + ROW_HEIGHT)
      .lineWidth(0.3)
      .strokeColor('#bbbbbb')
      .stroke();
    y += ROW_HEIGHT;
  }
  return y + 14;
}

function notes(doc: Doc, layout: DocumentLayout, top: number): void {
  doc.fontSize(9).fillColor('#333333');
  const height = layout.notes.reduce(
    (sum, n) => sum + doc.heightOfString(n, { width: CONTENT_WIDTH }) + 3,
    0,
  );
  let y = top;
  if (y + height > BOTTOM_LIMIT) {
    doc.addPage();
    y = continuationHeader(doc, layout);
  }
  for (const note of layout.notes) {
    doc.text(note, MARGIN.left, y, { width: CONTENT_WIDTH });
    y = doc.y + 3;
  }
}

function footer(doc: Doc, layout: DocumentLayout, page: number, pages: number): void {
  // Writing below the bottom margin would make pdfkit start a new page.
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  const y = PAGE.height - MARGIN.bottom + 16;
  doc
    .moveTo(MARGIN.left, y - 6)
    .lineTo(PAGE.width - MARGIN.right, y - 6)
    .lineWidth(0.5)
    .strokeColor('#888888')
    .stroke();
  doc.fontSize(8.5).fillColor('#333333');
  doc.text(
    `验证码：${layout.verificationCode}　　打印时间：${layout.issuedAtText}　　终端编号：${layout.kioskId}`,
    MARGIN.left,
    y,
    { width: CONTENT_WIDTH, lineBreak: false },
  );
  doc.text(`第 ${page} 页 / 共 ${pages} 页`, MARGIN.left, y, {
    width: CONTENT_WIDTH,
    align: 'right',
    lineBreak: false,
  });
  doc.fontSize(7.5).text(`核验网址：${layout.verifyUrl}`, MARGIN.left, y + 13, {
    width: CONTENT_WIDTH,
    lineBreak: false,
  });
  doc.page.margins.bottom = bottom;
}

/**
 * The QR code as vector rectangles, one per run of dark modules in a row, in module units (integers keep the
 * content stream short), filled in one go so that no seams show between neighbours.
 */
function drawQr(doc: Doc, modules: QRCode.BitMatrix, x: number, y: number, size: number): void {
  const count = modules.size;
  // Four modules of quiet zone on every side, inside `size`.
  const unit = size / (count + 8);
  doc.save();
  doc.translate(x + 4 * unit, y + 4 * unit).scale(unit);
  for (let row = 0; row < count; row++) {
    let col = 0;
    while (col < count) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < count && modules.get(row, col)) col++;
      doc.rect(start, row, col - start, 1);
    }
  }
  doc.fillColor('black').fill();
  doc.restore();
}
