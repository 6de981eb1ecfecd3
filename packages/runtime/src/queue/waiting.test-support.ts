/**
 * The app of a queue test: a wait document that records which calls are waiting, a dequeue
 * document and an Enqueue action, and a way to wait until so many calls wait.
 *
 * @example
 * const app = queueApp();
 * const harness = await startApiHarness({ routes: app.routes });
 * await app.whenWaiting(2);
 */
import type { RecordedRequest } from '../testing/app-server.js';

export function queueApp() {
  const waiting = new Set<string>();
  const listeners: Array<() => void> = [];
  return {
    routes: {
      '/wait': (req: RecordedRequest) => {
        waiting.add(String(req.params.CallSid));
        for (const listener of listeners.splice(0)) listener();
        return '<Response><Play>http://media.example/hold.mp3</Play></Response>';
      },
      '/dequeued': () => '<Response><Say>Thanks for waiting</Say></Response>',
      '/queue-done': () => '<Response/>',
    },
    /** Resolves once `count` calls have heard the wait document. */
    async whenWaiting(count: number): Promise<void> {
      while (waiting.size < count) await new Promise<void>((resolve) => listeners.push(resolve));
    },
  };
}
