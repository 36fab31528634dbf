using System.Globalization;
using Serilog;
using Serilog.Events;

namespace DicomWeb.Server.Hosting;

/// <summary>
/// Serilog behind Microsoft.Extensions.Logging: console and a size-rotated file (like the seed's RotatingFileHandler).
/// Levels stay under the standard <c>Logging:LogLevel</c> section, since Serilog only receives what passes those filters.
/// </summary>
internal static class LoggingSetup
{
    private const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";
    private const string FileTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static void AddDicomWebLogging(this WebApplicationBuilder builder, LogOptions options)
    {
        var configuration = new LoggerConfiguration().MinimumLevel.Verbose().Enrich.FromLogContext();
        // Formatting and writing happen on a background thread, not on the request's: a request line per request costs the
        // request only the enqueue. When the queue is full, callers wait rather than lose lines; disposing the logger
        // (at shutdown) writes what is queued.
        configuration.WriteTo.Async(sinks =>
        {
            if (options.Console)
                sinks.Console(outputTemplate: ConsoleTemplate, formatProvider: CultureInfo.InvariantCulture);
            if (!string.IsNullOrWhiteSpace(options.FilePath))
            {
                var path = Path.GetFullPath(options.FilePath);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                sinks.File(path, outputTemplate: FileTemplate, formatProvider: CultureInfo.InvariantCulture,
                    fileSizeLimitBytes: options.FileSizeLimitBytes, rollOnFileSizeLimit: true, retainedFileCountLimit: options.RetainedFileCount,
                    restrictedToMinimumLevel: LogEventLevel.Verbose);
            }
        }, blockWhenFull: true);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        // Registered as a plain provider: Serilog's own AddSerilog adds a provider-wide Trace rule, which would
        // override every Logging:LogLevel setting. The container disposes it, flushing and closing the file.
        var logger = configuration.CreateLogger();
        builder.Services.AddSingleton<ILoggerProvider>(_ => new Serilog.Extensions.Logging.SerilogLoggerProvider(logger, dispose: true));
        // ASP.NET Core's own "Request starting" lines carry the full URL with its query string (QIDO's PatientName=...);
        // the server's request line replaces them, so they are held at Warning unless configured by this exact name.
        const string hostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";
        if (builder.Configuration[$"Logging:LogLevel:{hostingDiagnostics}"] == null)
            builder.Logging.AddFilter(hostingDiagnostics, LogLevel.Warning);
    }
}
