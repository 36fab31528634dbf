using System.Net;

namespace DicomWeb.Server.Hosting;

/// <summary>Refuses connections from addresses outside <c>DicomWeb:AllowedClients</c> with 403 (the seed's <c>allowed_hosts</c>).</summary>
internal sealed class ClientAllowList(RequestDelegate next, IReadOnlyList<IPNetwork> allowed, ILogger<ClientAllowList> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address != null && IsAllowed(allowed, address)) return next(context);
        logger.LogWarning("client {Address} refused: not in DicomWeb:AllowedClients", address?.ToString() ?? "(unknown)");
        return TypedResults.Problem($"client address {address?.ToString() ?? "(unknown)"} is not allowed to use this server",
            statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(context);
    }

    /// <summary>Whether <paramref name="address"/> (IPv4 also when mapped into IPv6) lies in one of <paramref name="networks"/>.</summary>
    public static bool IsAllowed(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in networks)
            if (network.Contains(address)) return true;
        return false;
    }
}
