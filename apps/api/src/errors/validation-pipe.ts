import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError } from './api-error';

/** Unknown fields are refused, not silently dropped, and every problem is reported per field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors: ValidationError[]) => {
      const details = flatten(errors);
      const message = details.map((detail) => detail.problems.join('; ')).join('; ') || 'invalid request';
      return new ApiError(400, 'validation_failed', message, details);
    },
  });
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
