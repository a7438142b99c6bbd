import { ApiProperty } from '@nestjs/swagger';

/** The temporary password, shown once. */
export class RevealedSecretResponse {
  @ApiProperty({ description: 'Whose password it is', example: 'jane@acme.example' }) user!: string;
  @ApiProperty({ example: 'vX4q-Tr8m-2LpK-9wZe' }) temporaryPassword!: string;
  @ApiProperty({ description: 'Always true: the user must choose a new password at next sign-in', example: true }) changeAtNextSignIn!: boolean;
  @ApiProperty({ example: 'Shown once: this link no longer works. The user must choose a new password at next sign-in.' }) note!: string;
}

export const SECRET_PAGE_EXAMPLE =
  '<!doctype html><html lang="en"><head><title>Temporary password</title>…</head><body><form method="post"><button>Show the temporary password</button></form></body></html>';

export const REVEALED_PAGE_EXAMPLE =
  '<!doctype html><html lang="en"><head><title>Temporary password</title>…</head><body><p>Temporary password for jane@acme.example:</p><code>vX4q-Tr8m-2LpK-9wZe</code><p>Shown once.</p></body></html>';
