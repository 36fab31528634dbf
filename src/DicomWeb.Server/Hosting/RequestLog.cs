using System.Diagnostics;

namespace DicomWeb.Server.Hosting;

/// <summary>
/// One line per request: method, route pattern, status, duration and bytes in and out. The route pattern
/// (<c>/dicom-web/studies/{study}</c>) stands for the path and the query string is never logged: both can hold
/// patient names and IDs (QIDO's <c>PatientName=</c>), which must not reach logs at Information level.
/// </summary>
internal sealed partial class RequestLog(RequestDelegate next, ILogger<RequestLog> logger, DicomWebMetrics metrics, LogOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var counts = BodyCounts.Attach(context);
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            // An exception that escapes becomes a 500 from the server unless the response had already started.
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            var route = RouteOf(context);
            metrics.RecordBodies(context.Request.Method, route, counts.BytesIn, counts.BytesOut);
            if (options.RequestLog)
                Responded(logger, context.Request.Method, route ?? "(no route)", status, elapsed.TotalMilliseconds, counts.BytesIn, counts.BytesOut,
                    context.RequestAborted.IsCancellationRequested ? " (client aborted)" : "");
        }
    }

    // Generated: the level is checked first and no argument array is built per call.
    [LoggerMessage(Level = LogLevel.Information,
        Message = "HTTP {Method} {Route} responded {StatusCode} in {ElapsedMs:0.0} ms, {BytesIn} bytes in, {BytesOut} bytes out{Aborted}")]
    private static partial void Responded(ILogger logger, string method, string route, int statusCode, double elapsedMs, long bytesIn, long bytesOut, string aborted);

    /// <summary>The route pattern of the endpoint that handled the request, or null when none matched.</summary>
    public static string? RouteOf(HttpContext context) => (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
}
