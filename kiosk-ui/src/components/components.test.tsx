import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bundleTileExamples } from './BundleTile.examples.tsx';
import { BundleTile } from './BundleTile.tsx';
import { buttonExamples } from './Button.examples.tsx';
import { Button } from './Button.tsx';
import { noticeBannerExamples } from './NoticeBanner.examples.tsx';
import { NoticeBanner } from './NoticeBanner.tsx';
import { serviceTileExamples } from './ServiceTile.examples.tsx';
import { ServiceTile } from './ServiceTile.tsx';
import { DOUBLE_TAP_MS } from './useGuardedPress.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('Button examples', () => {
  for (const [name, props] of Object.entries(buttonExamples)) {
    it(`${name} renders a real button with its label`, () => {
      render(<Button {...props} />);
      const button = screen.getByRole('button');
      expect(button.textContent).toContain(String(props.children));
      expect(button.getAttribute('type')).toBe('button');
      expect((button as HTMLButtonElement).disabled).toBe('disabled' in props && props.disabled === true);
    });
  }

  it('a double tap runs the action once', () => {
    const onPress = vi.fn();
    render(<Button {...buttonExamples.primary} onPress={onPress} />);
    const button = screen.getByRole('button');
    fireEvent.click(button);
    fireEvent.click(button);
    expect(onPress).toHaveBeenCalledOnce();
  });

  it('accepts a second tap once the double-tap window has passed', () => {
    vi.useFakeTimers();
    const onPress = vi.fn();
    render(<Button {...buttonExamples.primary} onPress={onPress} />);
    const button = screen.getByRole('button');
    fireEvent.click(button);
    vi.advanceTimersByTime(DOUBLE_TAP_MS - 50);
    fireEvent.click(button);
    expect(onPress).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(100);
    fireEvent.click(button);
    expect(onPress).toHaveBeenCalledTimes(2);
  });

  it('is disabled while its command is in flight, and not after', async () => {
    vi.useFakeTimers();
    let finish: () => void = () => {};
    const onPress = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    render(<Button {...buttonExamples.primary} onPress={onPress} />);
    const button = screen.getByRole('button') as HTMLButtonElement;
    fireEvent.click(button);
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-busy')).toBe('true');
    vi.advanceTimersByTime(5_000);
    fireEvent.click(button);
    expect(onPress).toHaveBeenCalledOnce();
    await act(async () => finish());
    expect(button.disabled).toBe(false);
  });
});

describe('NoticeBanner examples', () => {
  for (const [name, props] of Object.entries(noticeBannerExamples)) {
    it(`${name} shows the Chinese text and is announced with the right urgency`, () => {
      render(<NoticeBanner {...props} />);
      const role = props.tone === 'info' ? 'status' : 'alert';
      expect(screen.getByRole(role).textContent).toContain(props.text.zh);
    });
  }
});

describe('ServiceTile examples', () => {
  for (const [name, props] of Object.entries(serviceTileExamples)) {
    it(`${name} is a button named by the service, honest about availability`, () => {
      render(<ServiceTile {...props} />);
      const tile = screen.getByTestId(`service-tile-${props.id}`);
      expect(tile.tagName).toBe('BUTTON');
      expect(tile.textContent?.includes('本机暂不能办理')).toBe(!props.available);
    });
  }

  it('a double tap on a tile opens it once', () => {
    const onPress = vi.fn();
    render(<ServiceTile {...serviceTileExamples.available} onPress={onPress} />);
    const tile = screen.getByRole('button');
    fireEvent.click(tile);
    fireEvent.click(tile);
    expect(onPress).toHaveBeenCalledOnce();
  });
});

describe('BundleTile examples', () => {
  for (const [name, props] of Object.entries(bundleTileExamples)) {
    it(`${name} is a button naming the matter and its services, honest about availability`, () => {
      render(<BundleTile {...props} />);
      const tile = screen.getByTestId(`bundle-tile-${props.bundleId}`);
      expect(tile.tagName).toBe('BUTTON');
      expect(tile.textContent).toMatch(/一件事/);
      expect(tile.textContent?.includes('本机暂不能办理')).toBe(!props.available);
    });
  }

  it('names the bundled services', () => {
    render(<BundleTile {...bundleTileExamples.available} />);
    expect(screen.getByRole('button').textContent).toContain('参保登记 + 社保缴费 + 社保卡办理');
  });
});
