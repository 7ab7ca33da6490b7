/**
 * Service errors in the shape AWS Step Functions returns them. The SDK and the CLI map
 * `__type` (the part after `#`) to their typed exceptions, so the names must be exact.
 */
import { AwsJsonServiceError } from '../aws-json.ts';

export type SfnErrorType =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalFailure';

const NAMESPACE = 'com.amazonaws.swf.service.v2.model';

export class SfnError extends AwsJsonServiceError<SfnErrorType> {
  constructor(type: SfnErrorType, message: string, status?: number) {
    super(type, message, 'InternalFailure', status);
  }

  get qualifiedType(): string {
    return `${NAMESPACE}#${this.type}`;
  }

  /** The wire's `__type` is the qualified name. */
  override get wireType(): string {
    return this.qualifiedType;
  }
}

export const sfnErrors = {
  invalidArn: (arn: string) => new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`),
  stateMachineDoesNotExist: (arn: string) =>
    new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`),
  executionDoesNotExist: (arn: string) => new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`),
  executionAlreadyExists: (arn: string) =>
    new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`),
  invalidName: (name: string) => new SfnError('InvalidName', `Invalid Name: '${name}'`),
  invalidInput: (detail: string) => new SfnError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${detail}'`),
  invalidOutput: (detail: string) => new SfnError('InvalidOutput', `Invalid Output: '${detail}'`),
  invalidToken: (detail = 'Invalid token') => new SfnError('InvalidToken', `Invalid Token: '${detail}'`),
  taskDoesNotExist: () => new SfnError('TaskDoesNotExist', "Task Does Not Exist: 'Provided task does not exist'"),
  taskTimedOut: () => new SfnError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'"),
  validation: (detail: string) => new SfnError('ValidationException', `1 validation error detected: ${detail}`),
};
