public class CommandServlet extends HttpServlet {
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        // ruleid: java.unsafe-deserialization
        try (ObjectInputStream in = new ObjectInputStream(req.getInputStream())) {
            Command cmd = (Command) in.readObject();
            cmd.run();
        } catch (ClassNotFoundException e) {
            resp.sendError(400);
        }
    }

    Object fromSocket(Socket socket) throws Exception {
        // ruleid: java.unsafe-deserialization
        ObjectInputStream in = new ObjectInputStream(socket.getInputStream());
        return in.readObject();
    }

    Command fromJson(HttpServletRequest req) throws IOException {
        // ok: java.unsafe-deserialization
        return mapper.readValue(req.getInputStream(), Command.class);
    }

    Object fromCache(Path file) throws Exception {
        // ok: java.unsafe-deserialization
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(file))) {
            return in.readObject();
        }
    }
}
