// A real OpenID Connect provider for caseboard's sign-in tests: panva's oidc-provider
// with its development login pages (type any account id; the password is not checked).
//
//   node provider.js   with PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI and ACCOUNTS
//   (JSON: account id -> claims such as {"email": ..., "groups": [...]}) in the environment.
//
// It prints "ready <issuer>" once it listens.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  conformIdTokenClaims: false, // the email and groups go into the ID token, as Entra ID does
  cookies: { keys: ['caseboard-test-provider-cookie-key'] },
  async findAccount(ctx, id) {
    const found = accounts[id];
    if (!found) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...found };
      },
    };
  },
});
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
