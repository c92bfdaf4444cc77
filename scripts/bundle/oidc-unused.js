// Stands in for @actions/core's OIDC client in the bundle. The real one pulls
// in @actions/http-client and, with it, a second copy of undici, which costs
// start-up time on every run; this action never asks for an OIDC token, so
// core.getIDToken() fails here with a plain message instead.
export const OidcClient = {
  getIDToken() {
    return Promise.reject(
      new Error(
        'flask-ssl-deploy is built without the OIDC client: getIDToken() is not available.',
      ),
    );
  },
};
