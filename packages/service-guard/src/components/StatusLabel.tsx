import { Text } from '@backstage/ui';
import { type Tone, toneColor, toneStyle } from '../format.ts';

/**
 * A status in words with a coloured dot: the word carries the meaning, the colour only repeats it (for
 * readers who cannot tell the colours apart).
 */
export function StatusLabel(props: { tone: Tone; label: string; size?: 'small' | 'large' }) {
  const dot = props.size === 'large' ? 12 : 8;
  return (
    <span
      data-tone={props.tone}
      style={{ display: 'inline-flex', alignItems: 'center', gap: 'var(--bui-space-1_5, 6px)' }}
    >
      <span
        aria-hidden="true"
        style={{
          width: dot,
          height: dot,
          borderRadius: '50%',
          background: toneColor(props.tone),
          display: 'inline-block',
          flex: 'none',
        }}
      />
      <Text
        as="span"
        variant={props.size === 'large' ? 'title-small' : 'body-medium'}
        weight="bold"
        style={toneStyle(props.tone)}
      >
        {props.label}
      </Text>
    </span>
  );
}
