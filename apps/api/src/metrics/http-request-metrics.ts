import type { NextFunction, Request, Response } from 'express';
import type { ApiMetrics } from './api-metrics';

/**
 * Times every request, including those refused before a controller runs (authentication, body parser), and
 * labels it by the route template Express matched (/v1/tickets/:ref), never by the path as sent: ids, refs
 * and tenants stay out of the labels, and a scan of random paths adds one "unmatched" series, not thousands.
 */
export function httpRequestMetrics(metrics: ApiMetrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const stop = metrics.httpRequestDuration.startTimer();
    response.once('finish', () => {
      const route = request.route?.path;
      stop({ method: request.method, route: typeof route === 'string' ? `${request.baseUrl}${route}` : 'unmatched', status_code: String(response.statusCode) });
    });
    next();
  };
}
