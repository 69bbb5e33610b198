import { describe, expect, it } from 'vitest'

import {
  emptyChannelForm,
  parseAddresses,
  toChannelForm,
  toChannelInput,
  type Channel,
} from './alert-channels'

const dingtalk: Channel = {
  id: 3,
  org_unit_id: 4,
  org_unit_name: '化工一厂',
  name: '钉钉值班群',
  kind: 'dingtalk',
  min_level: 'major',
  enabled: true,
  url_masked: 'https://oapi.dingtalk.com/robot/send?access_token=****abcd',
  has_secret: true,
  secret_hint: '****5678',
  version: 2,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
}

describe('toChannelInput', () => {
  it('sends the kind, address and secret of a new channel', () => {
    const form = {
      ...emptyChannelForm(4),
      name: ' 企业微信应急群 ',
      url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
    }

    expect(toChannelInput(form)).toEqual({
      org_unit_id: 4,
      name: '企业微信应急群',
      kind: 'wecom',
      min_level: 'serious',
      enabled: true,
      url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
      secret: '',
    })
  })

  it('keeps the stored address and secret when an edit leaves them empty', () => {
    const form = { ...toChannelForm(dingtalk), name: '钉钉应急群' }

    const body = toChannelInput(form, dingtalk)

    expect(body).toEqual({
      org_unit_id: 4,
      name: '钉钉应急群',
      min_level: 'major',
      enabled: true,
      version: 2,
    })
  })

  it('sends mail settings with the fixed recipients as a list', () => {
    const form = {
      ...emptyChannelForm(4),
      kind: 'email' as const,
      name: '值班邮箱',
      smtp_host: 'smtp.plant.example',
      smtp_port: null,
      smtp_security: 'tls' as const,
      smtp_from: 'anxun@plant.example',
      smtp_password: 'pw',
      email_to: 'a@plant.example, b@plant.example\nc@plant.example',
    }

    const body = toChannelInput(form)

    expect(body.smtp_port).toBe(465)
    expect(body.smtp_password).toBe('pw')
    expect(body.email_to).toEqual([
      'a@plant.example',
      'b@plant.example',
      'c@plant.example',
    ])
    expect(body).not.toHaveProperty('url')
  })
})

describe('parseAddresses', () => {
  it('accepts Chinese and Latin separators', () => {
    expect(parseAddresses('a@x.cn，b@x.cn；c@x.cn')).toEqual([
      'a@x.cn',
      'b@x.cn',
      'c@x.cn',
    ])
  })
})
