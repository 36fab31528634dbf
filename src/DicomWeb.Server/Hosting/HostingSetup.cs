using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.HttpOverrides;
using OpenTelemetry.Metrics;

namespace DicomWeb.Server.Hosting;

/// <summary>
/// Everything a hospital network expects around the DICOMweb services: logging, the client allow-list, trusted proxies,
/// CORS, JWT authentication with read/write scopes, readiness, metrics and Swagger. Each part reads its options from
/// <see cref="HostingOptions"/>; parts that are switched off add nothing to the pipeline.
/// </summary>
public static class HostingSetup
{
    /// <summary>Reads and checks the hosting options (start-up stops naming a wrong option) and registers the services.</summary>
    public static HostingOptions AddDicomWebHosting(this WebApplicationBuilder builder, DicomWebOptions dicomWeb)
    {
        var hosting = HostingOptions.Load(builder.Configuration, dicomWeb);
        var services = builder.Services;
        services.AddSingleton(hosting);
        services.AddSingleton(hosting.Logging);
        services.AddSingleton(hosting.Metrics);
        services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        builder.AddDicomWebLogging(hosting.Logging);

        if (hosting.TrustedProxies.Count > 0)
            services.Configure<ForwardedHeadersOptions>(options =>
            {
                // Only the client address: URLs follow DicomWeb:PublicBaseUrl / DicomWeb:TrustForwardedHeaders (see ServiceUrls).
                options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
                options.KnownIPNetworks.Clear();
                options.KnownProxies.Clear();
                foreach (var network in hosting.TrustedProxies) options.KnownIPNetworks.Add(network);
            });

        var cors = hosting.Cors;
        if (cors.AllowedOrigins.Length > 0)
            services.AddCors(options => options.AddDefaultPolicy(policy =>
            {
                if (cors.AllowedOrigins.Contains("*")) policy.AllowAnyOrigin();
                else policy.WithOrigins(cors.AllowedOrigins);
                policy.WithMethods([.. cors.Methods]).WithExposedHeaders([.. cors.Exposed]).SetPreflightMaxAge(TimeSpan.FromSeconds(cors.MaxAgeSeconds));
                if (cors.AllowedHeaders == null) policy.AllowAnyHeader();
                else policy.WithHeaders(cors.AllowedHeaders);
                if (cors.AllowCredentials) policy.AllowCredentials();
            }));

        if (hosting.Auth.Enabled) services.AddDicomWebAuthentication(hosting.Auth, hosting.Metrics);
        services.AddReadinessChecks();
        services.AddSingleton<DicomWebMetrics>();
        if (hosting.Metrics.Enabled)
            services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(DicomWebMetrics.MeterName, "System.Runtime")
                .AddPrometheusExporter());
        if (hosting.Swagger.Enabled) services.AddDicomWebOpenApi(hosting);
        return hosting;
    }

    /// <summary>
    /// Adds the middleware in the order that makes each part see what it needs: proxies resolved before the allow-list,
    /// the request log around everything (so refusals are logged too), CORS preflights answered before authentication;
    /// then maps <c>/health/ready</c> and the metrics endpoint.
    /// </summary>
    public static WebApplication UseDicomWebHosting(this WebApplication app)
    {
        var hosting = app.Services.GetRequiredService<HostingOptions>();
        if (hosting.TrustedProxies.Count > 0) app.UseForwardedHeaders();
        app.UseMiddleware<RequestLog>();
        if (hosting.AllowedClients.Count > 0) app.UseMiddleware<ClientAllowList>(hosting.AllowedClients);
        if (hosting.Cors.AllowedOrigins.Length > 0) app.UseCors();
        if (hosting.Auth.Enabled)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        if (hosting.Swagger.Enabled) app.UseDicomWebOpenApi();
        app.MapReadiness();
        if (hosting.Metrics.Enabled)
            app.MapPrometheusScrapingEndpoint(hosting.Metrics.Path).WithDisplayName("Metrics")
                .WithSummary("Prometheus scrape endpoint (OpenTelemetry metrics)").WithTags("Operations");
        return app;
    }
}
