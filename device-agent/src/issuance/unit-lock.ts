/**
 * One owner of a card unit (the card printer and the chip encoder at its contact station) at a time: an issuance
 * or a recovery round. A recovery round never touches the printer while a visit is making a card there, and a
 * visit waits for a round under way to finish. Keyed by the printer driver object.
 */
interface Lock {
  tail: Promise<void>;
  held: number;
}

const locks = new WeakMap<object, Lock>();

function lockOf(unit: object): Lock {
  let lock = locks.get(unit);
  if (!lock) {
    lock = { tail: Promise.resolve(), held: 0 };
    locks.set(unit, lock);
  }
  return lock;
}

/** Runs `work` once every earlier holder of `unit` is done; holders queue in call order. */
export async function withCardUnit<T>(unit: object, work: () => Promise<T>): Promise<T> {
  const lock = lockOf(unit);
  const before = lock.tail;
  let release: () => void = () => {};
  lock.tail = new Promise<void>((resolve) => {
    release = resolve;
  });
  lock.held += 1;
  try {
    await before;
    return await work();
  } finally {
    lock.held -= 1;
    release();
  }
}

/** Whether anyone holds or waits for `unit` now. */
export function cardUnitBusy(unit: object): boolean {
  return (locks.get(unit)?.held ?? 0) > 0;
}
