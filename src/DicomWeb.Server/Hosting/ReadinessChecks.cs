using System.Text.Json;
using DicomWeb.Storage;
using DicomWeb.Storage.Index;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DicomWeb.Server.Hosting;

/// <summary>
/// <c>/health/ready</c>: the index database answers a query and the data folder takes a write. Answers 200 when both
/// do, 503 otherwise. Reasons stay generic in the answer (it is anonymous by default); the exceptions go to the log.
/// </summary>
internal static class ReadinessChecks
{
    public const string Tag = "ready";

    public static void AddReadinessChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [Tag], timeout: TimeSpan.FromSeconds(10))
            .AddCheck<StorageCheck>("storage", tags: [Tag], timeout: TimeSpan.FromSeconds(10));

    public static IEndpointConventionBuilder MapReadiness(this IEndpointRouteBuilder routes) =>
        routes.MapHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(Tag),
            ResponseWriter = WriteAsync,
        }).WithDisplayName("Ready").WithTags("Operations")
          .WithSummary("Readiness: 200 when the index database and the data folder are usable, else 503");

    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            if (entry.Description != null) json.WriteString("description", entry.Description);
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            foreach (var (key, value) in entry.Data)
                if (value is long number) json.WriteNumber(key, number);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Queries the index; for SQLite first checks the file is still there (opening would silently create an empty one).</summary>
    private sealed class DatabaseCheck(IDbContextFactory<DicomIndexContext> contexts, StorageOptions options, ILogger<DatabaseCheck> logger) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                if (options.Provider == IndexProvider.Sqlite)
                {
                    var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
                    if (!string.IsNullOrEmpty(file) && file != ":memory:" && !File.Exists(file))
                    {
                        logger.LogError("readiness: the SQLite index file {File} is missing", file);
                        return HealthCheckResult.Unhealthy("the index database file is missing");
                    }
                }
                await db.Instances.AnyAsync(cancellationToken);
                return HealthCheckResult.Healthy("the index database answers");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogError(e, "readiness: the index database cannot be queried");
                return HealthCheckResult.Unhealthy("the index database cannot be queried");
            }
        }
    }

    /// <summary>Writes, reads back and deletes a small file in the data folder; reports the free space there.</summary>
    private sealed class StorageCheck(StorageOptions options, ILogger<StorageCheck> logger) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var probe = Path.Combine(options.FullPath, $".ready-{Guid.NewGuid():N}");
            try
            {
                await File.WriteAllBytesAsync(probe, [1, 2, 3, 4], cancellationToken);
                var back = await File.ReadAllBytesAsync(probe, cancellationToken);
                if (back.Length != 4) return HealthCheckResult.Unhealthy("the data folder did not return what was written");
                var free = new DriveInfo(options.FullPath).AvailableFreeSpace;
                return HealthCheckResult.Healthy("the data folder is writable", new Dictionary<string, object> { ["freeBytes"] = free });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogError(e, "readiness: the data folder {Folder} is not writable", options.FullPath);
                return HealthCheckResult.Unhealthy("the data folder is not writable");
            }
            finally
            {
                try
                {
                    File.Delete(probe);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning(e, "readiness: could not delete probe {Probe}", probe);
                }
            }
        }
    }
}
