import { describe, expect, it } from 'vitest';
import { ChannelLimiter } from '../../../lib/backends/ssh/channelLimiter.js';

const cancelled = (): Error => new Error('cancelled');

describe('ChannelLimiter', () => {
  it('grants up to its capacity at once and queues the rest in arrival order', async () => {
    const limiter = new ChannelLimiter(2);
    const order: number[] = [];
    const first = await limiter.acquire(undefined, cancelled);
    const second = await limiter.acquire(undefined, cancelled);
    const waiting = [3, 4].map((n) => limiter.acquire(undefined, cancelled).then((release) => (order.push(n), release)));
    await Promise.resolve();
    expect(limiter.active).toBe(2);
    expect(limiter.queued).toBe(2);
    expect(order).toEqual([]);

    first();
    first(); // a second call must not free a second slot
    const third = await waiting[0];
    expect(order).toEqual([3]);
    expect(limiter.active).toBe(2);
    expect(limiter.queued).toBe(1);

    second();
    const fourth = await waiting[1];
    expect(order).toEqual([3, 4]);
    third?.();
    fourth?.();
    expect(limiter.active).toBe(0);
  });

  it('lets a waiter give up through its AbortSignal without taking a slot', async () => {
    const limiter = new ChannelLimiter(1);
    const held = await limiter.acquire(undefined, cancelled);
    const controller = new AbortController();
    const abandoned = limiter.acquire(controller.signal, cancelled);
    const next = limiter.acquire(undefined, cancelled);
    controller.abort();
    await expect(abandoned).rejects.toThrow('cancelled');
    expect(limiter.queued).toBe(1);
    held();
    const release = await next;
    expect(limiter.active).toBe(1);
    release();
    expect(limiter.active).toBe(0);
  });

  it('refuses an already aborted signal, fails waiters on demand, and rejects a bad capacity', async () => {
    const limiter = new ChannelLimiter(1);
    await expect(limiter.acquire(AbortSignal.abort(), cancelled)).rejects.toThrow('cancelled');
    await limiter.acquire(undefined, cancelled);
    const waiting = limiter.acquire(undefined, cancelled);
    limiter.failWaiting(new Error('pool closed'));
    await expect(waiting).rejects.toThrow('pool closed');
    expect(() => new ChannelLimiter(0)).toThrow(RangeError);
  });
});
