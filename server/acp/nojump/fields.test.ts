import { describe, expect, it } from 'vitest'
import { encryptSensitive } from '../encrypt.ts'
import { loadCertificate, serialToDecimal } from '../certs.ts'
import { readCustomerInfo } from '../../sandbox/acp/nojump/customer-info.ts'
import { sandboxAcpPki } from '../../sandbox/acp/pki.ts'
import { customerInfo, maskPan, readTokenPayData, tokenPayData } from './fields.ts'

describe('无跳转 composite fields', () => {
  it('customerInfo: base64 {smsCode=…&encryptedInfo=…}; the sandbox decrypts the sensitive part with its own key', () => {
    const pki = sandboxAcpPki()
    const cert = loadCertificate(Buffer.from(pki.initialEncrypt.certPem))
    const enc = { cert, certId: serialToDecimal(cert.serialNumber) }
    const value = customerInfo({ phoneNo: '18100000000', cvn2: '248', expired: '3012', smsCode: '123456' }, (p) =>
      encryptSensitive(p, enc),
    )
    const outer = Buffer.from(value, 'base64').toString('utf8')
    expect(outer).toMatch(/^\{smsCode=123456&encryptedInfo=[A-Za-z0-9+/]+=*\}$/)
    expect(outer).not.toContain('18100000000')
    expect(readCustomerInfo(value, { ...pki.initialEncrypt })).toEqual({
      smsCode: '123456',
      phoneNo: '18100000000',
      cvn2: '248',
      expired: '3012',
    })
    expect(
      Buffer.from(
        customerInfo({ smsCode: '654321' }, () => 'x'),
        'base64',
      ).toString(),
    ).toBe('{smsCode=654321}')
  })

  it('tokenPayData both ways; masked card numbers keep the first 6 and last 4', () => {
    expect(tokenPayData({ trId: '62000000001', tokenType: '01' })).toBe('{trId=62000000001&tokenType=01}')
    expect(tokenPayData({ trId: '62000000001', token: '9123' })).toBe('{trId=62000000001&token=9123}')
    expect(readTokenPayData('{token=9123&trId=62000000001&tokenType=01&tokenEnd=20311231235959}')).toEqual({
      token: '9123',
      trId: '62000000001',
      tokenEnd: '20311231235959',
    })
    expect(readTokenPayData('{trId=62000000001}')).toBeNull()
    expect(readTokenPayData('token=1')).toBeNull()
    expect(maskPan('6216261000000000018')).toBe('621626*********0018')
    expect(maskPan('6226388000000095')).toBe('622638******0095')
  })
})
