using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;

namespace DicomWeb.Server.Hosting;

/// <summary>One mapped route as the running application has it.</summary>
/// <param name="Path">The route pattern as an OpenAPI-style path: <c>/dicom-web/studies/{study}</c> (no constraints, no catch-all stars).</param>
/// <param name="Methods">The HTTP methods it answers; empty when it answers any.</param>
/// <param name="Endpoint">The endpoint, for its metadata.</param>
public sealed record MappedRoute(string Path, IReadOnlyList<string> Methods, RouteEndpoint Endpoint)
{
    /// <summary>The summary the route was mapped with, if any.</summary>
    public string? Summary => Endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary;

    /// <summary>The tags (service names such as <c>STOW-RS</c>) the route was mapped with.</summary>
    public IReadOnlyList<string> Tags => Endpoint.Metadata.GetOrderedMetadata<ITagsMetadata>().SelectMany(t => t.Tags).Distinct().ToList();

    /// <summary>The names of the route's parameters, in path order.</summary>
    public IReadOnlyList<string> Parameters => Endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();

    /// <summary>Request media types the route declares.</summary>
    public IReadOnlyList<string> RequestMediaTypes =>
        Endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>().SelectMany(a => a.ContentTypes).Distinct().ToList();

    /// <summary>Response status codes and media types the route declares.</summary>
    public IReadOnlyList<(int Status, IReadOnlyList<string> MediaTypes)> Responses =>
        Endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>()
            .GroupBy(p => p.StatusCode)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.SelectMany(p => p.ContentTypes).Distinct().ToList()))
            .ToList();
}

/// <summary>
/// Reads the routes from the application's <see cref="EndpointDataSource"/>, so descriptions (capabilities, OpenAPI)
/// always list what is mapped right now rather than a list kept by hand.
/// </summary>
public static class EndpointCatalog
{
    /// <summary>Every route endpoint of <paramref name="source"/>, except those excluded from API descriptions.</summary>
    public static IReadOnlyList<MappedRoute> Routes(EndpointDataSource source) =>
        source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Select(e => new MappedRoute(PathOf(e.RoutePattern), e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToList() ?? [], e))
            .OrderBy(r => r.Path, StringComparer.Ordinal)
            .ToList();

    /// <summary>The routes at or under <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<MappedRoute> RoutesUnder(EndpointDataSource source, string prefix) =>
        Routes(source).Where(r => IsUnder(r.Path, prefix)).ToList();

    /// <summary>Whether <paramref name="path"/> is <paramref name="prefix"/> or a path below it.</summary>
    public static bool IsUnder(string path, string prefix)
    {
        prefix = prefix.TrimEnd('/');
        return path.Equals(prefix, StringComparison.OrdinalIgnoreCase)
            || path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A route pattern as a path with plain <c>{name}</c> parameters.</summary>
    public static string PathOf(RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            _ => "",
        })));
        return "/" + string.Join('/', segments);
    }
}
