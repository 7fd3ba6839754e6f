using System.Net;
using System.Net.Sockets;

namespace StratX.Tests;

/// <summary>Free TCP ports on 127.0.0.1, for servers and silos the tests start.</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
