import { decryptFromPartner } from '../../crypto/partner.ts'
import { encryptForPartner } from '../../crypto/tdes.ts'
import { fail, ok, type ApiTable } from '../api.ts'
import { gate } from './checks.ts'

/** The 行业卡 templates the sandbox app was granted (5.7.1 cardModuleId "需向云闪付提交申请"). */
export const SANDBOX_CARD_MODULES = ['213454765435423']

/** 5.5.1: 140 units, a non-ASCII character counting 2 (70 Chinese characters). */
function contentUnits(s: string): number {
  let n = 0
  for (const ch of s) n += (ch.codePointAt(0) ?? 0) < 0x80 ? 1 : 2
  return n
}

function hostOf(url: string): string | null {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.hostname : null
  } catch {
    return null
  }
}

const ID18 = /^\d{17}[\dX]$/

export const serviceApis: ApiTable = {
  'new.msg.push'(body, { unionpay: state, open: o }) {
    const bad = gate(o, 'new.msg.push', body, state, [
      ['openId', 'N62110', 'openId不能为空'],
      ['content', 'N62116', 'content不能为空'],
      ['url', 'N62111', 'url不能为空'],
    ])
    if (bad) return bad
    const b = body as Record<string, string>
    const content = b.content ?? ''
    if (contentUnits(content) > 140) return fail('N62116', 'content超长：最大支持140个字符（中文70个）')
    const host = hostOf(b.url ?? '')
    // The sandbox app's UPSDK 安全域名 are its OAuth hosts (127.0.0.1, localhost).
    if (!host || !state.app.oauthHosts.includes(host))
      return fail('N62132', '不支持此访问域名：url 不在UPSDK安全域名内')
    const openId = b.openId ?? ''
    const known = state.users.has(openId) && !o.pushOptOut.has(openId)
    if (known) o.pushes.push({ at: state.clock(), openId, content, url: b.url ?? '' })
    return {
      ...ok({ appId: b.appId, openId, resultCd: known ? '00' : '01' }),
      msg: known ? '成功' : '用户不可达',
      wrapped: true,
    }
  },

  'return.tax'(body, { unionpay: state, open: o }) {
    const bad = gate(o, 'return.tax', body, state, [['refundNo', 'N62134', '退税号不能为空']])
    if (bad) return bad
    const r = o.taxRefunds.get(String(body.refundNo))
    const params = r
      ? { cardNo: encryptForPartner(r.cardNo, o.symmetricKey), cardType: r.cardType, resp: '00' }
      : { cardNo: '', cardType: '', resp: '' }
    return { ...ok(params), msg: '成功', wrapped: true }
  },

  putIndustryCard(body, { unionpay: state, open: o }) {
    const bad = gate(o, 'putIndustryCard', body, state, [
      ['cardModuleId', 'IC0001', 'cardModuleId不能为空'],
      ['bussCardNo', 'IC0001', 'bussCardNo不能为空'],
      ['cardSubTp', 'IC0001', 'cardSubTp不能为空'],
      ['transTp', 'IC0001', 'transTp不能为空'],
      ['openId', 'N62110', 'openId不能为空'],
    ])
    if (bad) return bad
    const b = body as Record<string, string>
    if (!['01', '02', '03'].includes(b.transTp ?? ''))
      return fail('IC0001', 'transTp须为01（添加）、02（更新）或03（删除）')
    if (!SANDBOX_CARD_MODULES.includes(b.cardModuleId ?? '')) return fail('IC0004', '卡片模板不存在或未向云闪付申请')
    if (!state.users.has(b.openId ?? '')) return fail('N62110', 'openId不存在')
    if (b.region !== undefined && !/^\d{6}$/.test(b.region)) return fail('IC0001', 'region须为6位地区代码')
    const plain: Record<string, string> = {}
    for (const f of ['name', 'certId', 'mobileNo'] as const) {
      const v = b[f]
      if (v === undefined || v === '') continue
      const p = decryptFromPartner(v, o.symmetricKey)
      if (p === null) return fail('IC0005', `${f}须为symmetricKey 3DES加密后的base64`)
      plain[f] = p
    }
    if (plain.mobileNo !== undefined && !/^1\d{10}$/.test(plain.mobileNo))
      return fail('IC0001', 'mobileNo解密后不是11位手机号')
    if (plain.certId !== undefined && !ID18.test(plain.certId) && !/^\d{15}$/.test(plain.certId))
      return fail('IC0001', 'certId解密后不是身份证号')
    const key = `${b.openId}|${b.cardModuleId}|${b.bussCardNo}`
    const exists = o.industryCards.has(key)
    if (b.transTp === '01' && exists) return fail('IC0002', '行业卡已存在')
    if (b.transTp !== '01' && !exists) return fail('IC0003', '行业卡不存在')
    if (b.transTp === '03') o.industryCards.delete(key)
    else {
      o.industryCards.set(key, {
        openId: b.openId ?? '',
        cardModuleId: b.cardModuleId ?? '',
        bussCardNo: b.bussCardNo ?? '',
        cardSubTp: b.cardSubTp ?? '',
        region: b.region ?? '',
        channelNo: b.channelNo ?? '',
        name: plain.name ?? '',
        certId: plain.certId ?? '',
        mobileNo: plain.mobileNo ?? '',
      })
    }
    return ok({ resp: '00' })
  },
}
