using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EmailSync.Core.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class MailboxSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ConsecutiveFailures",
                table: "MailboxConnections",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NextAttemptAt",
                table: "MailboxConnections",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SyncRequestedAt",
                table: "MailboxConnections",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "WatchExpiresAt",
                table: "MailboxConnections",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "WatchRenewedAt",
                table: "MailboxConnections",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "MailboxSyncStates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    OrganizationId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    MailboxConnectionId = table.Column<long>(type: "bigint", nullable: false),
                    ScopeFingerprint = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    WindowStart = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    QueryIndex = table.Column<int>(type: "int", nullable: false),
                    PageToken = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    BackfillCompletedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    Listed = table.Column<int>(type: "int", nullable: false),
                    Fetched = table.Column<int>(type: "int", nullable: false),
                    Imported = table.Column<int>(type: "int", nullable: false),
                    Failed = table.Column<int>(type: "int", nullable: false),
                    TotalEstimate = table.Column<int>(type: "int", nullable: false),
                    LastReconciledAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LastReconcileMissing = table.Column<int>(type: "int", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailboxSyncStates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MailboxSyncStates_MailboxConnections_MailboxConnectionId",
                        column: x => x.MailboxConnectionId,
                        principalTable: "MailboxConnections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_MailboxSyncStates_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MailboxSyncStates_MailboxConnectionId_OrganizationId",
                table: "MailboxSyncStates",
                columns: new[] { "MailboxConnectionId", "OrganizationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MailboxSyncStates_OrganizationId",
                table: "MailboxSyncStates",
                column: "OrganizationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MailboxSyncStates");

            migrationBuilder.DropColumn(
                name: "ConsecutiveFailures",
                table: "MailboxConnections");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "MailboxConnections");

            migrationBuilder.DropColumn(
                name: "SyncRequestedAt",
                table: "MailboxConnections");

            migrationBuilder.DropColumn(
                name: "WatchExpiresAt",
                table: "MailboxConnections");

            migrationBuilder.DropColumn(
                name: "WatchRenewedAt",
                table: "MailboxConnections");
        }
    }
}
