import { describe, expect, it } from 'vitest'
import { readNotifyFields } from './notify-params.ts'
import { formFields, SEED_BILLS_ORDER, SEED_NOTIFY_BILLS, SEED_RETURN_BILLS } from './seed-vectors.ts'

describe('reading 银商 notifies and return pages', () => {
  it.each([
    ['1.8.5 return page', SEED_RETURN_BILLS],
    ['1.9.5 notify', SEED_NOTIFY_BILLS],
  ])("the seed's bills-shaped %s example", (_, body) => {
    const f = readNotifyFields(formFields(body))
    expect(f).toMatchObject({
      shape: 'bills',
      orderIds: [SEED_BILLS_ORDER.billNo, '100120160928381005022325873000'],
      mid: '123456789900080',
      status: 'TRADE_SUCCESS',
      totalAmount: '1',
      seqId: '00096057515N',
      notifyId: undefined,
    })
    expect(f?.all).toMatchObject({
      targetSys: 'WXPay',
      payTime: '2016-09-28 10:38:32',
      billQRCode: 'https://mobl-test.chinaums.com/bills/qrCode.do?id=10001609284363805109837670',
    })
  })

  it('the flat shape of the field tables', () => {
    expect(
      readNotifyFields({
        merOrderId: '1017ABC0001',
        status: 'TRADE_SUCCESS',
        totalAmount: '800',
        notifyId: 'n1',
        mid: '898340149000005',
        attachedData: '',
        secureStatus: 'UNCOMPLETED',
      }),
    ).toMatchObject({
      shape: 'flat',
      orderIds: ['1017ABC0001'],
      status: 'TRADE_SUCCESS',
      totalAmount: '800',
      notifyId: 'n1',
      secureStatus: 'UNCOMPLETED',
    })
  })

  it('billStatus gives the status when billPayment has none; a billPayment that is not a JSON object is refused', () => {
    expect(
      readNotifyFields({ billPayment: '{"totalAmount":5}', billNo: '1017ABC0001', billStatus: 'CLOSED' })?.status,
    ).toBe('TRADE_CLOSED')
    expect(readNotifyFields({ billPayment: 'not json', billNo: '1017ABC0001' })).toBeNull()
    expect(readNotifyFields({ billPayment: '[1]', billNo: '1017ABC0001' })).toBeNull()
  })

  it('a notify without totalAmount says so (the handler must not skip the amount check)', () => {
    expect(
      readNotifyFields({ merOrderId: '1017ABC0001', status: 'TRADE_SUCCESS', totalAmount: '' })?.totalAmount,
    ).toBeUndefined()
  })
})
