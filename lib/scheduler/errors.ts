import type { PlacementFailure } from './types.js';

/** Base of every error the scheduler throws on purpose; `code` is stable for programs to test. */
class SchedulerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the caller (a programming error, not a capacity problem). */
export class SchedulerInputError extends SchedulerError {
  constructor(message: string) {
    super('invalid_scheduler_input', message);
  }
}

/** No host can take the VM; `failure` says why, host by host. */
export class PlacementFailedError extends SchedulerError {
  constructor(
    readonly failure: PlacementFailure,
    /** Set when a reservation on the planned host failed first. */
    readonly plannedHostProblem?: string,
    options?: { cause?: unknown },
  ) {
    super(
      'placement_failed',
      plannedHostProblem === undefined
        ? failure.message
        : `${plannedHostProblem}; placing VM ${JSON.stringify(failure.name)} again on the inventory as it is now failed too: ${failure.message}`,
      options,
    );
  }
}

/** The planned host was taken, placement ran again, and the new host was taken as well. */
export class ReservationFailedError extends SchedulerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('reservation_failed', message, options);
  }
}
