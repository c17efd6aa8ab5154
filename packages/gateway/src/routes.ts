/**
 * The CLOB paths the gateway calls. Provisional local table until @mm/protocol publishes its
 * index; then this becomes a view over `CLOB_PATHS`.
 */
export const VENUE_PATHS = {
  order: "/order",
  orders: "/orders",
  cancelAll: "/cancel-all",
  openOrders: "/data/orders",
  orderById: (orderId: string): string => `/data/order/${orderId}`,
  trades: "/data/trades",
  balanceAllowance: "/balance-allowance",
  heartbeats: "/v1/heartbeats",
} as const;
