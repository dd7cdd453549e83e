import { Link } from '@backstage/ui';
import type { ProviderLink as Link_ } from '@vigil/backstage-plugin-service-guard-common';

const NAME: Record<Link_['provider'], string> = {
  prometheus: 'Prometheus',
  datadog: 'Datadog',
  dynatrace: 'Dynatrace',
};

/** "Open in Prometheus" (Datadog, Dynatrace): the provider's own view, in a new tab. */
export function ProviderLink(props: { link: Link_ | undefined; what: string }) {
  const { link } = props;
  if (!link || !/^https?:\/\//.test(link.url)) return null;
  return (
    <Link
      href={link.url}
      target="_blank"
      rel="noopener noreferrer"
      variant="body-small"
      aria-label={`Open ${props.what} in ${NAME[link.provider]} (new tab)`}
    >
      Open in {NAME[link.provider]}
    </Link>
  );
}
