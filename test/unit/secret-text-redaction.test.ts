import { redactSecretsInText } from '../../libs/crypto/secret-text-redaction';

/** What error reports and 500 log lines show of a secret that got into a message. */
describe('secrets inside text', () => {
  it.each([
    ['key ck_0f8fad5bd9cb469fa16570867728950e_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5 refused', 'key ck_0f8fad5bd9cb469fa16570867728950e_[redacted] refused'],
    ['Authorization: Bearer co_abcdefghijklmnopqrstuvwxyz0123456789', 'Authorization: Bearer [redacted]'],
    ['token ya29.a0AfB_byC-12.x was refused', 'token ya29.[redacted] was refused'],
    ['grant 1//0gLHt3u5-abcdefghijklmnop expired', 'grant 1//[redacted] expired'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end', 'jwt [redacted] end'],
    ['{"access_token":"abc.def","expires_in":3599}', '{"access_token":"[redacted]","expires_in":3599}'],
    ['(refresh_token=1//0gabcdefghijklmnop)', '(refresh_token=[redacted])'],
    ['password: hunter2 for jane', 'password: [redacted] for jane'],
    ['connect to postgresql://custodian_app:s3cr%40t@db:5432/custodian failed', 'connect to postgresql://custodian_app:[redacted]@db:5432/custodian failed'],
  ])('%s', (text, expected) => {
    expect(redactSecretsInText(text)).toBe(expected);
  });

  it('leaves ordinary messages alone', () => {
    const message = 'password_reset CT-000042 for jane@acme.example failed at https://admin.googleapis.com/admin/directory/v1/users (404)';
    expect(redactSecretsInText(message)).toBe(message);
  });
});
