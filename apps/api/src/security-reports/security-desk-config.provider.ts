import type { Provider } from '@nestjs/common';
import { loadSecurityDeskConfig } from '../../../../libs/security/security-desk-config';

export const SECURITY_DESK_CONFIG = Symbol('SECURITY_DESK_CONFIG');

/** Read from the environment when the API starts; a bad value stops it with a clear message. */
export const securityDeskConfigProvider: Provider = {
  provide: SECURITY_DESK_CONFIG,
  useFactory: () => loadSecurityDeskConfig(process.env),
};
