/** KeyedLock: one piece of work at a time per key, other keys free, a failure never blocks the next. */
import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../lib/util/keyedLock.js';

function gate(): { readonly opened: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('KeyedLock', () => {
  it('runs work of one key one after another, in call order', async () => {
    const lock = new KeyedLock();
    const first = gate();
    const events: string[] = [];
    const a = lock.run('k', async () => {
      events.push('a start');
      await first.opened;
      events.push('a end');
    });
    const b = lock.run('k', async () => {
      events.push('b');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(['a start']);
    first.open();
    await Promise.all([a, b]);
    expect(events).toEqual(['a start', 'a end', 'b']);
  });

  it('does not make another key wait', async () => {
    const lock = new KeyedLock();
    const held = gate();
    const slow = lock.run('one', () => held.opened);
    await expect(lock.run('two', async () => 'done')).resolves.toBe('done');
    held.open();
    await slow;
  });

  it('passes a failure to its caller only, and runs the next work of the key', async () => {
    const lock = new KeyedLock();
    const failed = lock.run('k', async () => {
      throw new Error('boom');
    });
    const next = lock.run('k', async () => 42);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
  });

  it('keeps separate instances separate (a lock held around another never deadlocks)', async () => {
    const outer = new KeyedLock();
    const inner = new KeyedLock();
    const result = await outer.run('server', () => inner.run('server', async () => 'nested'));
    expect(result).toBe('nested');
  });
});
