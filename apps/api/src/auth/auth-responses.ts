import { ApiProperty } from '@nestjs/swagger';
import { TENANT_ROLES } from './principal';

class SignedInPersonResponse {
  @ApiProperty({ format: 'uuid', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }) id!: string;
  @ApiProperty({ example: 'dana@acme-cpa.example' }) email!: string;
  @ApiProperty({ example: 'Dana Whitfield' }) displayName!: string;
  @ApiProperty({ enum: TENANT_ROLES, example: 'admin' }) role!: string;
  @ApiProperty({ format: 'uuid', example: '0f8fad5b-d9cb-469f-a165-70867728950e' }) tenantId!: string;
  @ApiProperty({ example: false, description: 'Whether this person signs in with a one-time code' }) otpEnabled!: boolean;
}

/** What sign-in and GET /v1/auth/session answer; the session itself is in the HttpOnly cookie. */
export class SessionResponse {
  @ApiProperty({ type: SignedInPersonResponse }) user!: SignedInPersonResponse;
  @ApiProperty({
    example: 'Qm9vdHN0cmFwLWNzcmYtdG9rZW4tZXhhbXBsZS0xMjM0NTY3ODkw',
    description: 'Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE made with the session cookie',
  })
  csrfToken!: string;
  @ApiProperty({ example: false, description: 'The tenant requires OTP and this person has not enrolled: only /v1/auth routes answer until they do' })
  otpEnrolmentRequired!: boolean;
  @ApiProperty({ example: 1800, description: 'The session ends after this many seconds without a request' }) idleTimeoutSeconds!: number;
  @ApiProperty({ example: 43200, description: 'The session ends this many seconds after sign-in, however active' }) absoluteTimeoutSeconds!: number;
}

export class OtpEnrolmentResponse {
  @ApiProperty({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', description: 'Base32, to type into an authenticator by hand' }) secret!: string;
  @ApiProperty({ example: 'otpauth://totp/Custodian:dana%40acme-cpa.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Custodian&algorithm=SHA1&digits=6&period=30' })
  otpauthUri!: string;
  @ApiProperty({ example: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 37 37">…</svg>', description: 'The otpauth URI as a QR code' }) qrCodeSvg!: string;
}

export class RecoveryCodesResponse {
  @ApiProperty({ type: [String], example: ['k3d7-p2aq-x7mb-9rtz', 'u4fe-6hpl-2cwn-qs5d'], description: 'Ten one-time codes, shown in this answer only' })
  recoveryCodes!: string[];
}
