// The peer of examples/blog/pages/api/users/[id]/index.py. Node 20 has no built-in SQLite,
// so the user comes from memory (the Python side reads SQLite): the benchmark says so.
const USERS = {
  1: { id: 1, username: "bob", name: "Bob", email: "bob@example.com", location: "USA", password: "" },
};

export default function handler(req, res) {
  if (req.method !== "GET") {
    res.setHeader("Allow", "GET");
    res.status(405).json({ error: "Method not allowed" });
    return;
  }
  const id = Number(req.query.id);
  if (!Number.isInteger(id) || id <= 0) {
    res.status(400).json({ error: "The id must be a positive integer" });
    return;
  }
  const user = USERS[id];
  if (!user) {
    res.status(404).json({ error: "Not found" });
    return;
  }
  res.status(200).json(user);
}
