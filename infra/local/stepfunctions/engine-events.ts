/**
 * Turns aws-local-stepfunctions' event log into AWS history events for the states the engine
 * runs itself (enter/exit, Parallel, Map). Task events come from the task handlers, which
 * know the resource and parameters; execution start/end events come from the runner.
 */
import type { StateMachine } from 'aws-local-stepfunctions';
import { jsonText, newEvent, type NewEvent } from './history.ts';
import type { JsonValue } from './json.ts';

export type EngineEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

const CONTAINERS = new Set(['Parallel', 'Map']);

export class EngineEventMapper {
  /** Parallel/Map states that failed since they were last entered. */
  private readonly failed = new Set<string>();

  map(event: EngineEvent): NewEvent[] {
    switch (event.type) {
      case 'StateEntered':
        return this.entered(event.state.name, event.state.type, event.state.input as JsonValue);
      case 'StateExited':
        return this.exited(event.state.name, event.state.type, event.state.output as JsonValue | undefined);
      case 'StateFailed':
        return this.stateFailed(event.state.name, event.state.type);
      case 'StateRetried':
        this.failed.delete(event.state.name);
        return [];
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        return [newEvent(event.type, { name: event.parentState.name, index: event.index })];
      default:
        return [];
    }
  }

  /** Whether this event ends every branch/iteration of a Parallel or Map state. */
  static failedContainer(event: EngineEvent): string | undefined {
    return event.type === 'StateFailed' && CONTAINERS.has(event.state.type) ? event.state.name : undefined;
  }

  private entered(name: string, type: string, input: JsonValue): NewEvent[] {
    this.failed.delete(name);
    const events = [
      newEvent(`${type}StateEntered`, { name, input: jsonText(input), inputDetails: { truncated: false } }),
    ];
    if (CONTAINERS.has(type)) events.push(newEvent(`${type}StateStarted`));
    return events;
  }

  private exited(name: string, type: string, output: JsonValue | undefined): NewEvent[] {
    const events: NewEvent[] = [];
    if (CONTAINERS.has(type) && !this.failed.has(name)) events.push(newEvent(`${type}StateSucceeded`));
    this.failed.delete(name);
    events.push(newEvent(`${type}StateExited`, { name, output: jsonText(output), outputDetails: { truncated: false } }));
    return events;
  }

  private stateFailed(name: string, type: string): NewEvent[] {
    if (!CONTAINERS.has(type)) return [];
    this.failed.add(name);
    return [newEvent(`${type}StateFailed`)];
  }
}
