/**
 * Identity providers that give every customer (tenant) a host under one domain of their own. Two
 * tenants share a registrable domain (`a.okta.com`, `b.okta.com`) but not a site: an account bound to
 * one must never fill on the other, so registrable-domain binding falls back to origin binding on
 * these hosts (extension/sites/binding.ts). Data, not code: add a row when a provider is found.
 * Providers whose tenants share one host (e.g. login.microsoftonline.com: the tenant is in the path)
 * are listed too, so that host never joins the provider's other hosts.
 */
export interface MultiTenantProvider {
  /** The provider's domain: the domain itself and every subdomain are tenant hosts. */
  domain: string;
  provider: string;
}

export const MULTI_TENANT_PROVIDERS: readonly MultiTenantProvider[] = Object.freeze([
  { domain: 'okta.com', provider: 'Okta' },
  { domain: 'oktapreview.com', provider: 'Okta (preview cells)' },
  { domain: 'okta-emea.com', provider: 'Okta (EMEA cells)' },
  { domain: 'okta-gov.com', provider: 'Okta for Government' },
  { domain: 'okta.mil', provider: 'Okta for US military' },
  { domain: 'auth0.com', provider: 'Auth0 (tenant.auth0.com, tenant.eu.auth0.com …)' },
  { domain: 'onelogin.com', provider: 'OneLogin' },
  { domain: 'b2clogin.com', provider: 'Microsoft Entra ID B2C' },
  { domain: 'ciamlogin.com', provider: 'Microsoft Entra External ID' },
  { domain: 'microsoftonline.com', provider: 'Microsoft Entra ID (one host, tenant in the path)' },
  { domain: 'microsoftonline.us', provider: 'Microsoft Entra ID for US Government' },
  { domain: 'duosecurity.com', provider: 'Duo (api-*.duosecurity.com)' },
  { domain: 'cloudflareaccess.com', provider: 'Cloudflare Access (team.cloudflareaccess.com)' },
  { domain: 'pingone.com', provider: 'PingOne' },
  { domain: 'pingone.eu', provider: 'PingOne (EU)' },
  { domain: 'salesforce.com', provider: 'Salesforce (company.my.salesforce.com)' },
  { domain: 'force.com', provider: 'Salesforce sites' },
  { domain: 'site.com', provider: 'Salesforce Experience Cloud (company.my.site.com)' },
  { domain: 'jumpcloud.com', provider: 'JumpCloud' },
]);

/** The provider whose tenant host this is, or null. */
export function multiTenantProviderOf(host: string): MultiTenantProvider | null {
  const h = host.toLowerCase().replace(/\.$/, '');
  return MULTI_TENANT_PROVIDERS.find((p) => h === p.domain || h.endsWith(`.${p.domain}`)) ?? null;
}
