import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe('SingleFlight', () => {
  it('runs one task for concurrent callers of one key, and a new one afterwards', async () => {
    const flights = new SingleFlight<string, number>();
    const gate = deferred<number>();
    let runs = 0;
    const task = () => {
      runs++;
      return gate.promise;
    };
    const both = Promise.all([
      flights.run('k', new AbortController().signal, task),
      flights.run('k', new AbortController().signal, task),
    ]);
    gate.resolve(7);
    expect(await both).toEqual([7, 7]);
    expect(runs).toBe(1);
    expect(await flights.run('k', new AbortController().signal, async () => 8)).toBe(8);
    expect(flights.running).toBe(0);
  });

  it('lets one caller abort without stopping the work the others wait for', async () => {
    const flights = new SingleFlight<string, number>();
    const gate = deferred<number>();
    let shared: AbortSignal | undefined;
    const task = (signal: AbortSignal) => {
      shared = signal;
      return gate.promise;
    };
    const leaving = new AbortController();
    const first = flights.run('k', leaving.signal, task);
    const second = flights.run('k', new AbortController().signal, task);
    leaving.abort(new Error('caller hung up'));
    await expect(first).rejects.toThrow('caller hung up');
    expect(shared?.aborted).toBe(false);
    gate.resolve(1);
    expect(await second).toBe(1);
  });

  it('aborts the work when the last caller leaves', async () => {
    const flights = new SingleFlight<string, number>();
    const controller = new AbortController();
    let shared: AbortSignal | undefined;
    const pending = flights.run('k', controller.signal, (signal) => {
      shared = signal;
      return new Promise<number>(() => undefined);
    });
    await Promise.resolve();
    controller.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    expect(shared?.aborted).toBe(true);
    expect(flights.running).toBe(0);
  });

  it('rejects at once for a signal already aborted', async () => {
    const flights = new SingleFlight<string, number>();
    await expect(flights.run('k', AbortSignal.abort(new Error('late')), async () => 1)).rejects.toThrow('late');
    expect(flights.running).toBe(0);
  });
});
