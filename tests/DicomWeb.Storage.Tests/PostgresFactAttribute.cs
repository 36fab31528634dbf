using Npgsql;

namespace DicomWeb.Storage.Tests;

/// <summary>
/// A test that needs a PostgreSQL server: it runs when <c>DICOMWEB_TEST_POSTGRES</c> holds a connection string of a
/// role that may create databases (`.ci/run` sets one up), and is reported as skipped otherwise.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>The connection string from <c>DICOMWEB_TEST_POSTGRES</c>, or null.</summary>
    public static string? ConnectionString { get; } = Environment.GetEnvironmentVariable("DICOMWEB_TEST_POSTGRES") is { Length: > 0 } value ? value : null;

    /// <summary>Skips the test when no PostgreSQL server is configured.</summary>
    public PostgresFactAttribute()
    {
        if (ConnectionString == null) Skip = "no PostgreSQL: set DICOMWEB_TEST_POSTGRES to a connection string (role with CREATEDB)";
    }

    /// <summary>Runs one statement on the configured server's maintenance database.</summary>
    public static async Task ExecuteAsync(string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
