import { OperationCancelledError } from '../framework/diagnostics.js';

/**
 * In-flight operations, each with its own AbortController, so that StopProvider (Ctrl-C in
 * Terraform) can cancel whatever is running without affecting calls made afterwards.
 */
export class OperationTracker {
  readonly #controllers = new Set<AbortController>();

  async run<T>(operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.#controllers.add(controller);
    try {
      return await operation(controller.signal);
    } finally {
      this.#controllers.delete(controller);
    }
  }

  get inFlight(): number {
    return this.#controllers.size;
  }

  /** Aborts every running operation; returns how many there were. */
  stopAll(): number {
    const count = this.#controllers.size;
    for (const controller of this.#controllers) controller.abort(new OperationCancelledError());
    return count;
  }
}
