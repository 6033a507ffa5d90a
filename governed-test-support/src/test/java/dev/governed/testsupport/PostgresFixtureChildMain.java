package dev.governed.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** Entry point of the JVM that {@link PostgresFixtureFreshJvmTest} starts as an unprivileged user. */
public final class PostgresFixtureChildMain {

    private PostgresFixtureChildMain() {
    }

    public static void main(String[] arguments) throws Exception {
        PostgresFixture postgres = PostgresFixture.shared();
        try (Connection connection = postgres.newDatabase("child_round_trip").getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE note (body text)");
            statement.execute("INSERT INTO note VALUES ('written by ' || current_user)");
            try (ResultSet rows = statement.executeQuery("SELECT body FROM note")) {
                rows.next();
                System.out.println("ROUND TRIP OK: " + rows.getString(1) + "; " + postgres);
            }
            try (ResultSet rows = statement.executeQuery("SHOW data_directory")) {
                rows.next();
                Path dataDirectory = Path.of(rows.getString(1));
                System.out.println("DATA DIRECTORY: " + dataDirectory);
                System.out.println("POSTMASTER PID: " + Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
            }
        }
    }
}
