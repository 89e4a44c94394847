export default function Backorders() { return null; }
