import { describe, expect, it } from 'vitest'

import { serverText } from './server-text'

describe('serverText', () => {
  it('picks the half of a bilingual message', () => {
    const message = '密码至少 12 个字符 / at least 12 characters'

    expect(serverText(message, 'zh-CN')).toBe('密码至少 12 个字符')
    expect(serverText(message, 'en')).toBe('at least 12 characters')
  })

  it('keeps other messages whole', () => {
    expect(serverText('不能为空', 'en')).toBe('不能为空')
    expect(serverText('a / b / c', 'en')).toBe('a / b / c')
  })
})
