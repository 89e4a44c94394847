export default function PurchaseOrders() { return null; }
