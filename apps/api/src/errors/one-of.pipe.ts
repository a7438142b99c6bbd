import type { PipeTransform } from '@nestjs/common';
import { ApiError } from './api-error';

/** A path or query value that must be one of a fixed set; the refusal names the set, so the caller can pick. */
export class OneOfPipe<T extends string> implements PipeTransform<string, T> {
  constructor(
    private readonly name: string,
    private readonly allowed: readonly T[],
  ) {}

  transform(value: string): T {
    if ((this.allowed as readonly string[]).includes(value)) return value as T;
    const problem = `${this.name} must be one of ${this.allowed.join(', ')}; got "${value}"`;
    throw new ApiError(400, 'validation_failed', problem, [{ field: this.name, problems: [problem] }]);
  }
}
