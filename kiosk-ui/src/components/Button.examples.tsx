import type { ButtonProps } from './Button.tsx';

/** Example states of Button: shown by the example harness and rendered by the unit tests. */
export const buttonExamples = {
  primary: { children: '继续', subtitle: 'Continue', variant: 'primary', size: 'large', onPress: () => {} },
  secondary: { children: '返回', onPress: () => {} },
  hero: {
    children: '请点击屏幕开始',
    subtitle: 'Tap to start',
    variant: 'primary',
    size: 'hero',
    onPress: () => {},
  },
  disabled: { children: '继续', variant: 'primary', disabled: true, onPress: () => {} },
  onBar: { children: '呼叫工作人员', variant: 'onBar', onPress: () => {} },
} satisfies Record<string, ButtonProps>;
