/**
 * The task attempts of one execution that are still in flight, by state and enclosing
 * Parallel/Map states, so they can be ended when their branch or execution ends.
 */
export interface ActiveTask {
  stateName: string;
  ancestors: readonly string[];
  cancel(): void;
}

export class ActiveTasks {
  private readonly tasks = new Set<ActiveTask>();

  add(task: ActiveTask): void {
    this.tasks.add(task);
  }

  remove(task: ActiveTask): void {
    this.tasks.delete(task);
  }

  /** Ends the attempts running inside a Parallel/Map state that failed. */
  cancelWithin(containerState: string): void {
    for (const task of [...this.tasks]) {
      if (task.ancestors.includes(containerState)) this.cancelOne(task);
    }
  }

  cancelAll(): void {
    for (const task of [...this.tasks]) this.cancelOne(task);
  }

  private cancelOne(task: ActiveTask): void {
    this.tasks.delete(task);
    task.cancel();
  }
}
