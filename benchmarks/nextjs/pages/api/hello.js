// The peer of examples/blog/pages/api/hello.py.
export default function handler(req, res) {
  res.status(200).json({ name: "John Doe" });
}
