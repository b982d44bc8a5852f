// App Service authentication ("Easy Auth") on the function app: Microsoft Entra ID, required on every route
// but the OpenAPI document, and a 401 (never a redirect to a sign-in page) for a request without a valid token.
//
// Resource shape: Microsoft.Web/sites/config named 'authsettingsV2', api-version 2024-04-01
// (https://learn.microsoft.com/azure/templates/microsoft.web/sites/config-authsettingsv2: globalValidation
// {requireAuthentication, unauthenticatedClientAction, excludedPaths}, identityProviders.azureActiveDirectory
// {registration {openIdIssuer, clientId}, validation {allowedAudiences}}, platform {enabled}).
// How the platform validates tokens and what it injects (X-MS-CLIENT-PRINCIPAL, X-MS-CLIENT-PRINCIPAL-ID, the
// roles claim of an access token): https://learn.microsoft.com/azure/app-service/overview-authentication-authorization
// and https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities.
//
// With platform authentication on, the front end strips any X-MS-CLIENT-PRINCIPAL* header a client sends and
// sets its own; the code (authz) trusts those headers only then, and refuses them otherwise.

param functionAppName string

@description('Application (client) id of the orchestrator API\'s app registration (infra/auth/app-registration.json).')
param apiClientId string

@description('The API\'s Application ID URI (identifierUris), e.g. api://smooth-deploy-prod. The CLI asks for a token for <audience>/.default.')
param apiAudience string

@description('Paths served without a token. Only the OpenAPI document: it is the repository\'s own file and holds no data and no secret.')
param anonymousPaths array = [
  '/api/openapi.json'
]

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      // Every request needs a valid Entra ID token for this API...
      requireAuthentication: true
      // ...and one without gets 401: the callers are pipelines and the CLI, which cannot follow a sign-in
      // redirect (RedirectToLoginPage is the browser flow).
      unauthenticatedClientAction: 'Return401'
      excludedPaths: anonymousPaths
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          // The v2.0 issuer of this tenant: only tokens that this tenant issued are accepted.
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          clientId: apiClientId
        }
        validation: {
          // A v2 access token's aud is the client id; a v1 token's aud is the Application ID URI.
          allowedAudiences: [
            apiClientId
            apiAudience
          ]
        }
      }
    }
    login: {
      // No browser sessions: the API is called with bearer tokens, so nothing needs the token store.
      tokenStore: {
        enabled: false
      }
    }
  }
}
