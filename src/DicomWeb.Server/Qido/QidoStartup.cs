using DicomWeb.Storage.Query;

namespace DicomWeb.Server.Qido;

/// <summary>Registers the QIDO-RS search services.</summary>
public static class QidoStartup
{
    /// <summary>Adds <see cref="SearchOptions"/> (section <c>DicomWeb:Qido</c>, checked here) and <see cref="IndexSearch"/>.</summary>
    public static IServiceCollection AddQido(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(SearchOptions.Section).Get<SearchOptions>() ?? new SearchOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<IndexSearch>();
        return services;
    }
}
