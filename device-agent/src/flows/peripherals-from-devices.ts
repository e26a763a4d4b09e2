import type { A4Printer, A4PrinterErrorCode } from '../devices/a4-printer/a4-printer.ts';
import type { PinPad, PinPadErrorCode } from '../devices/pinpad/pinpad.ts';
import type { ReceiptPrinter, ReceiptPrinterErrorCode } from '../devices/receipt-printer/receipt-printer.ts';
import type { DeviceOutcome, Peripherals } from './peripherals.ts';

/** The citizen's words for each device error: what happened and what to do, never a code. */
const PINPAD_WORDS: Record<PinPadErrorCode, string> = {
  userCanceled: '您已取消输入密码',
  keyNotLoaded: '密码键盘暂不可用，请联系工作人员',
  keyCheckFailed: '密码键盘暂不可用，请联系工作人员',
  deviceFault: '密码键盘故障，请联系工作人员',
  busy: '密码键盘忙，请稍后再试',
  protocolError: '密码键盘没有正确响应，请重试或联系工作人员',
  noDevice: '密码键盘没有连接，请联系工作人员',
};

const RECEIPT_WORDS: Record<ReceiptPrinterErrorCode, string> = {
  paperOut: '凭条打印机缺纸',
  coverOpen: '凭条打印机盖板未关',
  offline: '凭条打印机暂停工作',
  protocolError: '凭条打印机没有正确响应',
  noDevice: '凭条打印机没有连接',
};

const A4_WORDS: Record<A4PrinterErrorCode, string> = {
  mediaEmpty: '打印机缺纸，请联系工作人员添加纸张后重试',
  mediaJam: '打印机卡纸，请联系工作人员处理后重试',
  tonerEmpty: '打印机墨粉用完，请联系工作人员',
  coverOpen: '打印机盖板未关，请联系工作人员',
  offline: '打印机暂停工作，请联系工作人员',
  notAcceptingJobs: '打印机暂不接受打印，请联系工作人员',
  documentRejected: '打印机不能打印这份文件，请联系工作人员',
  jobAborted: '打印中断，请联系工作人员后重试',
  jobCanceled: '打印已在打印机上被取消，请重试',
  protocolError: '打印机没有正确响应，请重试或联系工作人员',
  noDevice: '打印机没有连接，请联系工作人员',
};

function reasonOf(completion: string): 'canceled' | 'timeout' | 'notReady' | 'failed' {
  if (completion === 'canceled') return 'canceled';
  if (completion === 'timeout') return 'timeout';
  if (completion === 'deviceNotReady' || completion === 'userError') return 'notReady';
  return 'failed';
}

/** The citizen's words for a PIN entry that did not succeed. */
function pinWords(result: { completion: string; errorCode: PinPadErrorCode | null }): string {
  if (result.completion === 'timeout') return '输入密码超时';
  if (result.errorCode) return PINPAD_WORDS[result.errorCode];
  if (result.completion === 'canceled') return '您已取消输入密码';
  return '密码键盘暂不可用，请联系工作人员';
}

/** The flows' view of the kiosk's PIN pad and printers, over their drivers. */
export function peripheralsFromDevices(devices: {
  pinpad: PinPad;
  receiptPrinter: ReceiptPrinter;
  a4Printer: A4Printer;
}): Peripherals {
  return {
    async enterPin(request, onKeys, signal) {
      const unsubscribe = devices.pinpad.on((event) => {
        if (event.type === 'keys') onKeys(event.count);
      });
      try {
        const result = await devices.pinpad.enterPin(
          {
            accountNumber: request.accountNumber,
            minLength: request.pinLength,
            maxLength: request.pinLength,
            timeoutMs: request.timeoutMs,
          },
          signal,
        );
        if (result.completion === 'success') return { ok: true, pinBlockHex: result.pinBlockHex };
        return {
          ok: false,
          reason: reasonOf(result.completion),
          message: pinWords(result),
        } satisfies DeviceOutcome;
      } finally {
        unsubscribe();
      }
    },

    async enterCardPin(request, onKeys, signal) {
      const unsubscribe = devices.pinpad.on((event) => {
        if (event.type === 'keys') onKeys(event.count);
      });
      try {
        const result = await devices.pinpad.enterClearPin(
          { minLength: request.pinLength, maxLength: request.pinLength, timeoutMs: request.timeoutMs },
          signal,
        );
        if (result.completion === 'success') return { ok: true, pin: result.pin };
        return { ok: false, reason: reasonOf(result.completion), message: pinWords(result) };
      } finally {
        unsubscribe();
      }
    },

    async printReceipt(content, signal) {
      const result = await devices.receiptPrinter.printReceipt(
        {
          lines: [
            { text: content.title, bold: true, align: 'center' },
            { text: '-'.repeat(32) },
            ...content.lines.map((l) => ({ text: `${l.label}：${l.value}` })),
            ...(content.footer
              ? [{ text: '-'.repeat(32) }, { text: content.footer, align: 'center' as const }]
              : []),
          ],
          ...(content.qr ? { qr: { data: content.qr } } : {}),
        },
        signal,
      );
      if (result.completion === 'success') return { ok: true };
      return {
        ok: false,
        reason: reasonOf(result.completion),
        message: result.errorCode ? RECEIPT_WORDS[result.errorCode] : '凭条打印机暂不可用',
      };
    },

    async printPdf(pdf, jobName, signal) {
      const result = await devices.a4Printer.printPdf({ pdf, jobName }, signal);
      if (result.completion === 'success') return { ok: true };
      return {
        ok: false,
        reason: reasonOf(result.completion),
        message:
          result.completion === 'timeout'
            ? '打印机长时间没有完成打印，请联系工作人员'
            : result.errorCode
              ? A4_WORDS[result.errorCode]
              : '打印机暂不可用，请联系工作人员',
      };
    },
  };
}
