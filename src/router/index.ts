import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import HomeView from '@/views/HomeView.vue'
import { installAuthGuard } from './guards'
import { installNavigationState } from './navigation'

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView, meta: { title: '首页', stores: false } },
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { title: '登录' } },
  {
    path: '/profile',
    name: 'profile',
    component: () => import('@/views/ProfileView.vue'),
    meta: { title: '我的', requiresAuth: true },
  },
  {
    path: '/contract',
    name: 'contract',
    component: () => import('@/views/ContractView.vue'),
    meta: { title: '无感支付' },
  },
  { path: '/pay', name: 'pay', component: () => import('@/views/PayView.vue'), meta: { title: '收银台' } },
  {
    path: '/pay/result',
    name: 'pay-result',
    component: () => import('@/views/PayResultView.vue'),
    meta: { title: '支付结果' },
  },
  { path: '/orders', name: 'orders', component: () => import('@/views/OrdersView.vue'), meta: { title: '订单' } },
  {
    path: '/merchant/charge',
    name: 'merchant-charge',
    component: () => import('@/views/MerchantChargeView.vue'),
    meta: { title: '商户扣款' },
  },
  {
    path: '/merchant/reconcile',
    name: 'merchant-reconcile',
    component: () => import('@/views/ReconcileView.vue'),
    meta: { title: '全渠道对账' },
  },
  {
    path: '/bluetooth',
    name: 'bluetooth',
    component: () => import('@/views/BluetoothView.vue'),
    meta: { title: '蓝牙' },
  },
  {
    path: '/security',
    name: 'security',
    component: () => import('@/views/SecurityView.vue'),
    meta: { title: '提现', requiresAuth: true },
  },
  {
    path: '/marketing',
    name: 'marketing',
    component: () => import('@/views/MarketingView.vue'),
    meta: { title: '营销工具', requiresAuth: true },
  },
  {
    path: '/bindcard',
    name: 'bindcard',
    component: () => import('@/views/BindCardView.vue'),
    meta: { title: '绑卡支付', requiresAuth: true },
  },
  { path: '/nfc', name: 'nfc', component: () => import('@/views/NfcView.vue'), meta: { title: 'NFC 卡模拟' } },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { title: '页面不存在' },
  },
]

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
})

installAuthGuard(router)
installNavigationState(router)
