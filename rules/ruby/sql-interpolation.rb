class UsersController < ApplicationController
  def search
    # ruleid: ruby.sql-interpolation
    @users = User.where("email = '#{params[:email]}'")
  end

  def purge
    # ruleid: ruby.sql-interpolation
    ActiveRecord::Base.connection.execute("DELETE FROM sessions WHERE user_id = #{params[:id]}")
  end

  def search_ok
    # ok: ruby.sql-interpolation
    @users = User.where("email = ?", params[:email])
  end

  def search_ok2
    # ok: ruby.sql-interpolation
    @users = User.where(email: params[:email])
  end
end
